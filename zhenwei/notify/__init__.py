"""After-run digests of new and changed high-risk leads (webhook and SMTP)."""
