"""Hard negatives: benign pages a real crawl meets that share something with the fakes (a
name fragment, a form with a captcha, the platform's name, a footer mark, a shared resource)."""
