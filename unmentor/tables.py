"""Imports every table module so that SQLModel.metadata describes the whole schema.

Alembic's autogenerate and the tests' schema checks read the metadata from here.
"""

from sqlmodel import SQLModel

from unmentor import dataversion, ratelimit  # noqa: F401
from unmentor.blocking import models as _blocking  # noqa: F401
from unmentor.links import models as _links  # noqa: F401
from unmentor.mail import models as _mail  # noqa: F401
from unmentor.operations import models as _operations  # noqa: F401
from unmentor.organisers import models as _organisers  # noqa: F401
from unmentor.people import models as _people  # noqa: F401
from unmentor.rounds import models as _rounds  # noqa: F401
from unmentor.sessions import models as _sessions  # noqa: F401
from unmentor.stories import models as _stories  # noqa: F401

metadata = SQLModel.metadata
