"""GET /api/agent/departments: the transfer targets of the agent console."""

from __future__ import annotations


async def test_departments_list_own_agency_first_with_online_staff(
    org_client, agent_login, set_online
):
    agent = await agent_login("beta_window")
    await set_online("beta_window", "alpha_pension")

    response = await agent.get("/api/agent/departments")

    assert response.status == 200, response.text
    departments = response.json["departments"]
    assert [d["id"] for d in departments] == [
        "beta.pension",
        "alpha.payment",
        "alpha.pension",
        "gamma.general",
    ]
    first = departments[0]
    assert first["name"] == "养老待遇科"
    assert first["agency"] == "beta"
    assert first["agency_name"] == "乙县社会保险事业中心"
    online = {d["id"]: d["online_staff"] for d in departments}
    assert online == {
        "beta.pension": 0,
        "alpha.payment": 0,
        "alpha.pension": 1,
        "gamma.general": 0,
    }


async def test_departments_need_a_session(org_client):
    _, response = await org_client.get("/api/agent/departments")

    assert response.status == 401
    assert response.json["error"]
