"""Existing tracking spreadsheets into notes: `csv_sheet` reads a spreadsheet row by row,
`csv_import` plans the notes each row makes (its dates read by `sheet_dates`), and `note_text`
writes each planned note from its template."""
