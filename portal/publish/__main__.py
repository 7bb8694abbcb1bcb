"""`python -m portal.publish site --engine mkdocs|zensical [--preview] --out DIR`: the one command
that builds the site (portal.publish.site); `python -m portal.publish serve` is the web team's
live preview (portal.publish.serve)."""

import sys

USAGE = ("Pemakaian: python -m portal.publish site [--engine mkdocs|zensical] [--preview] [--out FOLDER]\n"
         "           python -m portal.publish serve [--engine mkdocs|zensical] [--port 8001]")

command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
if command == "site":
    from .site import main
elif command == "serve":
    from .serve import main
else:
    sys.exit(USAGE)
sys.exit(main(args))
