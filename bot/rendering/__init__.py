"""Message rendering: pure functions from the model to text and cards.

Nothing here imports discord; ``cogs`` turn a :class:`~bot.rendering.cards.Card`
into an embed. Tests call these functions directly.
"""
