"""The packing list read back: one per shipment or one per box (each numbered "Kaste / Box 2/3"), the devices in
order, the words in Latvian with the English beside them."""

from __future__ import annotations

from labels.documents import PackingItem, PackingList, packing_list_pdf
from tests.labels.documents.samples import assert_fonts_embedded, text_of

PACKING = PackingList(title="Pavadzīme: sūtījums 7 / Packing list: shipment 7", sender="Centrālā noliktava",
                      recipient="Ķekavas vidusskola (4312903421)", founder="Ķekavas novada pašvaldība",
                      date="2026-11-28",
                      items=[PackingItem(f"5CG{i:04d}LVX", f"DIB-{i:06d}-K", "HP ProBook 450 G9") for i in range(1, 6)])


def test_one_list_for_the_shipment():
    pdf = packing_list_pdf(PACKING)
    (page,) = text_of(pdf)
    for expected in ("Pavadzīme: sūtījums 7", "Nosūtītājs / From", "Saņēmējs / To", "Dibinātājs / Owner",
                     "Datums / Date", "Ierīces / Devices", "Sērijas numurs / Serial", "Inventāra Nr. / Asset tag",
                     "Modelis / Model", "Nodeva / Handed over by", "Pieņēma / Received by",
                     "vārds, uzvārds, paraksts / name, signature", "datums / date: ____________",
                     "5CG0001LVX", "DIB-000005-K", "Ķekavas vidusskola"):
        assert expected in page, expected
    assert "Kaste" not in page
    assert_fonts_embedded(pdf)


def test_one_list_per_box_numbered_on_through_the_boxes():
    pages = text_of(packing_list_pdf(PACKING, box_size=2))
    assert len(pages) == 3
    flat = [" ".join(page.split()) for page in pages]
    assert [f"Kaste / Box {n}/3" in page for n, page in enumerate(flat, 1)] == [True] * 3
    assert "5CG0005LVX" in pages[2] and "5CG0001LVX" not in pages[2]
    assert "Ierīces / Devices 1" in flat[2] and "Ierīces / Devices 2" in flat[0]
