"""Scrapy item pipelines: scoring and storage."""
