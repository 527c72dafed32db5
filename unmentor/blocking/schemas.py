"""What the blocked-pairs API accepts and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from unmentor.blocking.models import BlockSource
from unmentor.blocking.service import PairView
from unmentor.sqltypes import MAX_INT


class PersonRef(BaseModel):
    id: int
    name: str
    email: str


class BlockedPairPublic(BaseModel):
    id: int
    participant: PersonRef = Field(description="Who asked never to be introduced.")
    other: PersonRef | None = Field(
        description="Whom they are kept apart from; null while a typed address belongs to "
        "nobody taking part."
    )
    other_email: str | None = Field(
        description="The address the participant typed on their page, if that is how it was added."
    )
    source: BlockSource
    created_at: datetime

    @classmethod
    def of(cls, view: PairView) -> BlockedPairPublic:
        def ref(person) -> PersonRef | None:
            if person is None:
                return None
            return PersonRef(id=person.id, name=person.name, email=person.email)

        return cls(
            id=view.pair.id,
            participant=ref(view.asker),
            other=ref(view.other),
            other_email=view.pair.other_email,
            source=view.pair.source,
            created_at=view.pair.created_at,
        )


class BlockedPairCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: StrictInt = Field(ge=1, le=MAX_INT, description="Who asked.")
    other_id: StrictInt = Field(
        ge=1, le=MAX_INT, description="Whom they must never be grouped with."
    )
