"""Mutations: ``verbNoun(input: VerbNounInput!): VerbNounPayload!`` for every command."""
