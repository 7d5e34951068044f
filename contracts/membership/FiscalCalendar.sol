// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title FiscalCalendar
 * @dev Calendar arithmetic for exits (GenG §65): notice runs in calendar months, and an exit takes effect at the end of
 * a fiscal year. Dates are UTC; a fiscal year ends at 23:59:59 of its last day. Day numbers count from 1970-01-01
 * (the proleptic Gregorian calendar), which is all a block timestamp needs.
 */
library FiscalCalendar {
    uint256 private constant DAY = 1 days;

    /// @dev The fiscal-year end is not a day of the calendar (month 1-12, day 1-31, at most the month's length).
    error InvalidFiscalYearEnd(uint256 month, uint256 day);

    /**
     * @dev When an exit noticed at `noticeTime` takes effect: the first fiscal-year end at least `noticeMonths`
     * calendar months later. A month shorter than the notice day ends the notice on its last day.
     */
    function exitDate(
        uint256 noticeTime,
        uint256 noticeMonths,
        uint256 fyEndMonth,
        uint256 fyEndDay
    ) internal pure returns (uint256) {
        uint256 earliest = addMonths(noticeTime, noticeMonths);
        (uint256 year, , ) = toDate(earliest / DAY);
        uint256 end = fiscalYearEnd(year, fyEndMonth, fyEndDay);
        return end >= earliest ? end : fiscalYearEnd(year + 1, fyEndMonth, fyEndDay);
    }

    /// @dev The last second of the fiscal year that ends in calendar year `year`.
    function fiscalYearEnd(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        uint256 last = daysInMonth(year, month);
        // Feb 29 as a fiscal-year end falls on Feb 28 in common years.
        if (day > last) day = last;
        return (toDayNumber(year, month, day) + 1) * DAY - 1;
    }

    /// @dev Reverts unless `month`/`day` can be a fiscal-year end (Feb 29 is allowed: Feb 28 in common years).
    function checkFiscalYearEnd(uint256 month, uint256 day) internal pure {
        if (month == 0 || month > 12 || day == 0 || day > daysInMonth(2000, month)) {
            revert InvalidFiscalYearEnd(month, day);
        }
    }

    /// @dev `time` moved `months` calendar months on, at the same time of day, clamped to the month's last day.
    function addMonths(uint256 time, uint256 months) internal pure returns (uint256) {
        (uint256 year, uint256 startMonth, uint256 day) = toDate(time / DAY);
        uint256 m = startMonth - 1 + months;
        year += m / 12;
        uint256 month = (m % 12) + 1;
        uint256 last = daysInMonth(year, month);
        if (day > last) day = last;
        return toDayNumber(year, month, day) * DAY + (time % DAY);
    }

    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2) return isLeapYear(year) ? 29 : 28;
        if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
        return 31;
    }

    function isLeapYear(uint256 year) internal pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /// @dev Days since 1970-01-01 of a Gregorian date (year >= 1970), counting years from March so Feb is last.
    function toDayNumber(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yearOfEra = year - era * 400;
        uint256 monthFromMarch = month > 2 ? month - 3 : month + 9;
        uint256 dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }

    /// @dev The Gregorian date of a day number (the inverse of {toDayNumber}).
    function toDate(uint256 dayNumber) internal pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 z = dayNumber + 719468;
        uint256 era = z / 146097;
        uint256 dayOfEra = z - era * 146097;
        uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        uint256 monthFromMarch = (5 * dayOfYear + 2) / 153;
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    }
}
