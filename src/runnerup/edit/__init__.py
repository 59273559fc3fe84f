"""Edits from the command line (`add`, `close`, `pin`, `log`) that leave the rest of the
file alone: `text` splices YAML text, `ops` makes and checks each edit."""
