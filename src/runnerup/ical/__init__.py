"""RFC 5545 for runnerup: `text` (escaping, folding, stamps), `write` (our bytes) and
`previous` (reading an earlier output back as the memory). No file I/O, no printing."""
