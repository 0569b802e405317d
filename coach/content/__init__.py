"""Loading and validating the YAML content files: scenarios, personas, clips, users."""

from coach.content.yamlfile import YamlDocument, format_loc, load_yaml, parse_model

__all__ = ["YamlDocument", "format_loc", "load_yaml", "parse_model"]
