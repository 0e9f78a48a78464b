"""Scrapy spiders of zhenwei (SPIDER_MODULES in crawler/settings.py)."""
