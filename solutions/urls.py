app_name = "solutions"

urlpatterns: list = []
