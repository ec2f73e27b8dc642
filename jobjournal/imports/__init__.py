"""Existing tracking spreadsheets into notes: `csv_import` reads a spreadsheet and plans the notes
it makes (its dates read by `sheet_dates`), and `note_text` writes each planned note from its
template."""
