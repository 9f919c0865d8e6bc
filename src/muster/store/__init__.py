"""The store: the SQLite ledger's schema and migrations (schema.py, data/ledger/*.sql), its writes
and queries (ledger.py), claim ids (ids.py), the analysts' reviews (reviews.py), filter values
(filters.py) and the records it reads and writes (records.py). Nothing here formats for a
terminal or a web page: that is muster.interfaces.present."""
from .filters import parse_country, parse_date, parse_near
from .ledger import (DEFAULT_TIMEOUT, IngestReport, Ledger, LedgerError, import_paths, ingest_paths,
                     wants_readonly)
from .records import article_record, claim_dict, claim_output, read_records
from .schema import APPLICATION_ID, Migration, migrations, schema_version

__all__ = ["Ledger", "LedgerError", "IngestReport", "ingest_paths", "import_paths", "migrations", "Migration",
           "schema_version", "parse_near", "parse_date", "parse_country", "claim_dict", "claim_output",
           "article_record", "read_records", "wants_readonly", "APPLICATION_ID", "DEFAULT_TIMEOUT"]
