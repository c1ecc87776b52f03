from app import create_app


def test_index_works_without_redis():
    client = create_app({"TESTING": True, "REDIS_URL": ""}).test_client()

    response = client.get("/")

    assert response.status_code == 200
    assert response.get_json()["hits"] is None


def test_up():
    assert create_app({"TESTING": True}).test_client().get("/up").status_code == 204
