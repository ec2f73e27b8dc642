"""The spreadsheet and the calendar (PRODUCT §8): exports of the notes and their follow-ups, and
the import of an existing tracking spreadsheet.

`table` turns notes and the agenda into rows (one per note, shared by csv and xlsx); `csv_export`,
`xlsx` and `ics` render them. `csv_import` reads a spreadsheet and plans the notes it makes (its
dates read by `sheet_dates`), and `note_text` writes each planned note from its template.
Everything here is pure: the CLI (cli_export.py) reads the disk and the clock, and writes.
The same vault and day give the same csv and ics, byte for byte.
The third-party libraries (openpyxl, icalendar) are imported inside the functions that use them.
"""
