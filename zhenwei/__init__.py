"""The application: command line, review UI, evidence packages, notifications, the crawl job."""
