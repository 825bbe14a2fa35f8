"""Language processing shared by every analysis: parsing, sentences, entities, language."""
