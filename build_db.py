#!/usr/bin/env python3
"""Check data/ and seeds/ against each other and compile guangdong_facts.db.

    python build_db.py                 # build guangdong_facts.db
    python build_db.py -o other.db     # build elsewhere
    python build_db.py --check         # check only, write nothing
"""

import sys

from gdfacts.build import main

if __name__ == "__main__":
    sys.exit(main())
