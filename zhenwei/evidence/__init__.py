"""Evidence packages for police referral: build (`package`), check (`verify`) — ARCHITECTURE §7."""
