"""The subscription feed `runnerup serve` publishes: `state` keeps it current, `view`
decides what it may show, `wsgi` answers HTTP, `server` runs it on waitress, `token`
guards its URL. Nothing here is imported by the other commands."""
