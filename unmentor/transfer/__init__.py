"""Coming from spreadsheets: import participants and past rounds, export everything.

Any spreadsheet: CSV text (any delimiter; UTF-8, UTF-16 or Windows-1252), .xlsx, .xlsm,
.xlsb, .ods or .xls, told apart by content whatever the file's name. What the file holds is
recognised from its header row, names matched ignoring case, spaces and punctuation, with
common synonyms:

Participants, one row per person:
    Name, Email, Organisation (or Organization, Org, Employer, Company; a blank cell: none),
    optional Sector, Joined (a date: 2024-03-15, 15/03/24, 15-Mar-2024, a date cell; numeric
    dates are read in the `date_order` setting, day first by default), Status
    (active, pending, paused or left; blank = active).

Past rounds, one row per group:
    Round (a round number, or a date or month such as 2024-03 naming its period),
    optional Date (the round's date or month, needed for a round number not yet known),
    Person 1 email, Person 2 email, optional Person 3 to 9 email (or Person A / B / C,
    Participant 1 / 2, Email 1 / 2, or Email and Partner),
    Met (yes / y / true / 1 / ✓ / ✔ / x / met; no / n / false / 0 / ✗ / didn't;
    unconfirmed; blank = not recorded, which never counts towards pausing anyone).
    Everyone must already be a participant (import participants first). Imported rounds are
    written closed, each member carrying the group's outcome; existing rounds are left as
    they are.

Never-match requests, one row per request:
    Email (who asked; a participant), Never meet email,
    optional Added by (participant, organiser or import; blank = import), Added on.
    A participant's own request is kept as the address they typed; others must name a
    participant. Confidential: the second person is never told.
"""
