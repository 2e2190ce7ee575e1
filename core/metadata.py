"""What the API answers to OPTIONS."""

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

if TYPE_CHECKING:
    # rest_framework.views reads this class from the DRF settings while it is being imported.
    from rest_framework.views import APIView


class StaffOnlyFieldsMetadata(SimpleMetadata):
    """DRF's OPTIONS answer, with the serializer's fields (`actions`) for staff only.

    SimpleMetadata lists every writable field, its choices and limits, and for related fields
    their choices, i.e. other records. The OpenAPI schema, which says the same, is for staff
    too (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); everyone else gets the name,
    description, and the media types the endpoint renders and parses.
    """

    def determine_metadata(self, request: Request, view: "APIView") -> dict[str, Any]:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return super().determine_metadata(request, view)
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
