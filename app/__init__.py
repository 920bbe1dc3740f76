"""Crossover's Streamlit UI: pages in views/, shared widgets in components/."""
