"""Plotly figures shared by the web app and the exported report. They draw what the core
computed; they compute nothing, and they import no UI framework."""
