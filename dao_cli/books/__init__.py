"""The auditor's books: the cooperative's history read from the chain's events (the chain log and its
cache), replayed, checked, written as minutes and tables, and reported as HTML."""
