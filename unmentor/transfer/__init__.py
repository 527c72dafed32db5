"""Coming from spreadsheets: import participants and past rounds, export everything.

File formats (CSV or XLSX; the kind is recognised from the header row, names matched
ignoring case, spaces and punctuation, with common synonyms):

Participants, one row per person:
    Name, Email, Organisation (or Organization, Org, Employer, Company; a blank cell: none),
    optional Sector, Joined (a date: 2024-03-15 or 15/03/2024), Status
    (active, pending, paused or left; blank = active).

Past rounds, one row per group:
    Round (a round number, or a date or month such as 2024-03 naming its period),
    optional Date (the round's date or month, needed for a round number not yet known),
    Person 1 email, Person 2 email, optional Person 3 to 9 email,
    Met (yes / no / blank = unconfirmed).
    Everyone must already be a participant (import participants first). Imported rounds are
    written closed, each member carrying the group's outcome; existing rounds are left as
    they are.

Never-match requests, one row per request:
    Email (who asked; a participant), Never meet email,
    optional Added by (participant, organiser or import; blank = import), Added on.
    A participant's own request is kept as the address they typed; others must name a
    participant. Confidential: the second person is never told.
"""

FORMATS_HELP = __doc__
