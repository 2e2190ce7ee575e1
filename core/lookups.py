"""`field__any=[...]`: membership in a list passed as one array parameter.

`pk__in=ids` with a thousand ids makes Django prepare and PostgreSQL parse a thousand
parameters on every query that uses it (the dashboard reuses one list of visible accounts in
several queries): on PostgreSQL this lookup sends `= ANY(%s)` with the list as a single array.
Other databases get the ordinary IN.
"""

from typing import Any

from django.db.models import Field, Lookup
from django.db.models.lookups import In


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(self.rhs)
        return [self.lhs.output_field.get_prep_value(value) for value in values]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql":
            return compiler.compile(In(self.lhs, self.rhs))
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
