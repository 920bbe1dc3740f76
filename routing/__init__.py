"""Hybrid routing: which prompts a policy keeps local and which go to the cloud, and what that costs.

Policies built from the articles' patterns (privacy split, tiered by complexity, fallback
chain, dev/prod split), sensitive-data detection (presidio's pattern recognizers, loaded
only when detection runs), a transparent complexity score, the team's prompt files, and
the replay of a prompt set through a policy priced by the cost model.
"""
