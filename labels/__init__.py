"""The print shop: plain data in, PDF/PNG/SVG bytes out. Imports no Flask and no database."""
