// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @title ScheduledEnds
 * @dev Counts voting rights that end by themselves at a time fixed in advance (the exit date a notice sets, GenG
 * §65), so that the number of members with voting rights at any past time is known although no transaction happens
 * at that time.
 *
 * A right ending at `date` still holds at `date` and is gone from `date + 1`. Dates still ahead wait in a short
 * ascending list with a count each; a date that has passed is folded, at the next change, into a running total
 * checkpointed at its first second without rights. Every date added lies in the future and every folded date in
 * the past, so the checkpoints stay in order. The list holds only dates not yet folded: fiscal-year ends at most a
 * notice period ahead (one a year while the statute's fiscal year stays the same), however many members there are.
 */
library ScheduledEnds {
    using Checkpoints for Checkpoints.Trace208;

    struct Schedule {
        uint48[] pending; // dates not yet folded, ascending, each once, each with a count above zero
        mapping(uint48 date => uint256) count; // rights ending at each pending date
        Checkpoints.Trace208 folded; // running total of ended rights, keyed by the first second without them
    }

    /// @dev One more right ends after `date`, a time after the last fold.
    function add(Schedule storage s, uint48 date) internal {
        if (s.count[date]++ != 0) return;
        uint48[] storage pending = s.pending;
        uint256 i = pending.length;
        pending.push(date);
        while (i > 0 && pending[i - 1] > date) {
            pending[i] = pending[i - 1];
            --i;
        }
        pending[i] = date;
    }

    /// @dev A right counted for `date`, which has not passed, will not end by itself after all (it ended at once).
    /// A date no right ends at any more leaves the list, so that a later {add} lists it once again, not twice.
    function remove(Schedule storage s, uint48 date) internal {
        if (--s.count[date] != 0) return;
        uint48[] storage pending = s.pending;
        uint256 n = pending.length;
        uint256 i = 0;
        while (pending[i] != date) ++i;
        for (; i + 1 < n; ++i) pending[i] = pending[i + 1];
        pending.pop();
    }

    /// @dev Folds every pending date before `now_` into the running total.
    function fold(Schedule storage s, uint48 now_) internal {
        uint48[] storage pending = s.pending;
        uint256 n = pending.length;
        uint256 k = 0;
        uint256 total = s.folded.latest();
        while (k < n && pending[k] < now_) {
            uint48 date = pending[k];
            total += s.count[date];
            delete s.count[date];
            s.folded.push(date + 1, SafeCast.toUint208(total));
            ++k;
        }
        if (k == 0) return;
        for (uint256 i = k; i < n; ++i) pending[i - k] = pending[i];
        for (uint256 i = 0; i < k; ++i) pending.pop();
    }

    /// @dev How many rights had ended by `timepoint` (their date lies before it).
    function endedBy(Schedule storage s, uint48 timepoint) internal view returns (uint256 total) {
        total = s.folded.upperLookupRecent(timepoint);
        uint48[] storage pending = s.pending;
        uint256 n = pending.length;
        for (uint256 i = 0; i < n && pending[i] < timepoint; ++i) total += s.count[pending[i]];
    }
}
