"""The spreadsheet and the calendar: notes and their follow-ups as csv, xlsx and ics.

`table` turns notes and the agenda into rows (one per note, shared by csv and xlsx); `csv_export`,
`xlsx` and `ics` render them. Everything here is pure: the CLI reads the disk and the clock, and
writes. The same vault and day give the same csv and ics, byte for byte. The third-party libraries
(openpyxl, icalendar) are imported inside the functions that use them.
"""
