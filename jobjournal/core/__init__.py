"""The pure core: text in, values out. No clock, no disk, no global state.

`parse` turns a note's text into a `model.Note` (front matter by `frontmatter`, fields by `fields`,
dates by `dates`, the body by `body`); `engine.build_agenda` runs the follow-up rules of `rules`
over the notes with a `context.RuleContext`, optionally through an `incremental.IncrementalBuild`
its caller owns; `render` turns the resulting `model.Agenda` into Markdown, JSON or terminal text.
docs/design.md describes the layers; docs/rules.md the rules.
"""
