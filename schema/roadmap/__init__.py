"""The roadmap feature: roadmaps (now and as of any instant), history, priorities, decisions."""
