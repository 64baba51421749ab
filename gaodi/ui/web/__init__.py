"""The web toolkit: ``@page`` twins, the page context, languages, navigation, cards."""
