"""The annual status report for Sundhedssamarbejdsudvalget, as HTML and PDF from the marts."""
