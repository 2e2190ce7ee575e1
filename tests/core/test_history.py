"""core.history.history_model: the historical model, without the descriptor's new manager."""

from simple_history.manager import HistoryDescriptor

from core.history import history_model
from customers.models import Customer, Stakeholder
from dialogue.models import ActionItem, Meeting


def test_history_model_is_what_the_descriptor_gives():
    for model in (Customer, Stakeholder, Meeting, ActionItem):
        assert history_model(model) is model.history.model


def test_history_model_builds_no_manager_class(monkeypatch):
    history_model.cache_clear()
    built = []
    original = HistoryDescriptor.__get__

    def counting(self, instance, owner):
        built.append(owner)
        return original(self, instance, owner)

    monkeypatch.setattr(HistoryDescriptor, "__get__", counting)
    history_model(Stakeholder)
    history_model(Stakeholder)
    assert built == []
