from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/data/", views.my_data, name="my_data"),
    path("account/data.json", views.my_data_download, name="my_data_download"),
    path("account/delete/", views.delete_account, name="delete_account"),
]
