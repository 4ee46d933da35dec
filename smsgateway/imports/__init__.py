"""CSV import of returnees and referrals: read, check every row, then save all or nothing.

`csv_files` reads what spreadsheets save; `values` reads dates, languages and yes/no as people
type them; `returnees` and `referrals` check and save rows through the domain functions;
`report` is the per-row report shown by the command and the console alike.
Columns and examples: docs/import-export.md.
"""

from smsgateway.imports.csv_files import Table, read_table
from smsgateway.imports.referrals import import_referrals
from smsgateway.imports.report import ImportReport, Problem
from smsgateway.imports.returnees import ImportFailed, import_returnees

__all__ = [
    "ImportFailed",
    "ImportReport",
    "Problem",
    "Table",
    "import_referrals",
    "import_returnees",
    "read_table",
]
