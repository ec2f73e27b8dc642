"""Changing the user's notes, byte for byte where nothing must change: the minimal editor
(`editor`), templates and new notes (`templates`, `new_notes`), and new vaults (`scaffold`)."""
