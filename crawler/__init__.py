"""The Scrapy project: one spider, candidate sources, rendering and the one runner."""
