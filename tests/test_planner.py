"""The planner's arithmetic: boxes that add up, floors that hold."""

from __future__ import annotations

import pytest

from dreamq.planner import scale_boxes


@pytest.mark.parametrize("total", [7, 30, 60, 89, 90, 91, 120, 240])
def test_scaled_boxes_sum_to_the_session_and_keep_their_floors(total):
    boxes = [8, 9, 15, 20, 18, 14, 6]
    floors = [8, 5, 6, 10, 12, 11, 6]
    scaled = scale_boxes(boxes, total, floors)
    if total >= sum(floors):
        assert sum(scaled) == total
        assert all(s >= f for s, f in zip(scaled, floors, strict=True))
    else:
        assert scaled == floors  # the caller refuses this length


def test_scaling_keeps_proportions_above_the_floors():
    assert scale_boxes([10, 30], 20, [0, 0]) == [5, 15]
    assert scale_boxes([10, 30], 30, [10, 10]) == [10, 20]
