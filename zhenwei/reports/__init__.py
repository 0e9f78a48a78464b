"""Reports a special-action office files (the monthly report, 月度报表)."""
