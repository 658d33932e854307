"""The complaint domain: complaints, evidence, events, and the rules they follow."""
