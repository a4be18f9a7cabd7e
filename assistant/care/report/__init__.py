"""The clinician report (one A4 page, PDF) and the answers (CSV with a data dictionary).

contents.py reads the facts of a period from the journal, pdf.py lays them out,
answers.py writes the CSV and its dictionary, make.py checks the consent and
puts them together.
"""
