import pytest
from flask.testing import FlaskClient
from tests.factories import DeviceFactory, ContractFactory, SchoolFactory
from tests.conftest import error_code

class IsolatedClient(FlaskClient):
    def open(self, *a, **kw):
        with self.application.app_context():
            return super().open(*a, **kw)

@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()

def probe(f, *a, **kw):
    try:
        r = f(*a, **kw)
        print(r.status_code, r.get_json())
    except Exception as e:
        print("EXC", type(e).__name__, str(e).splitlines()[0])

def test_probe(api, api_as):
    d = DeviceFactory(status="at_school")
    probe(api.post, "founders", json={"code": "F1", "name": "a\u0000b"})
    probe(api.post, "devices", json={"serial": "ABCD1234", "manufacturer": "a\u0000b"})
    probe(api.post, f"devices/{d.serial}/actions/note", json={"text": "a\u0000b"})
    probe(api.post, f"devices/{d.serial}/actions/note", json={"text": "a\u0000b", "nonce": "x\u0000"})
    other = DeviceFactory(status="at_school")
    it = api_as("school_it", school=SchoolFactory())
    probe(it.get, f"devices/%20{other.serial}%20")
    probe(it.get, f"devices/%20NOPE0001%20")
    probe(api.post, "schools", json={"registration_number": "12", "name": "x", "founder": "nope"})
