"""Tips from the public and analysts: reading tip files and forms, checking them."""
