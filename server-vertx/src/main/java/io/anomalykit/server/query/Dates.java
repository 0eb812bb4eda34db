package io.anomalykit.server.query;

import io.anomalykit.server.error.EsException;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates as an Elasticsearch {@code date} field with its default format reads them:
 * {@code strict_date_optional_time||epoch_millis}, in UTC, with date math ({@code now-1d/d}, {@code 2016-02-08||+1h}).
 */
public final class Dates {

    public static final String DEFAULT_FORMAT = "strict_date_optional_time||epoch_millis";

    private static final Pattern ISO = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2})(?::(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?"
                    + "(Z|[+-]\\d{2}(?::?\\d{2})?)?)?)?)?");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final DateTimeFormatter PRINTER = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

    private Dates() {
    }

    /** A date without math: ISO-8601 (strict) first, then epoch milliseconds. Null when it is neither. */
    public static Long parseDate(String text) {
        Matcher iso = ISO.matcher(text);
        if (iso.matches()) {
            try {
                return isoToMillis(iso);
            } catch (RuntimeException e) {
                return null;
            }
        }
        if (EPOCH_MILLIS.matcher(text).matches()) {
            try {
                int dot = text.indexOf('.');
                return Long.parseLong(dot < 0 ? text : text.substring(0, dot));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A range bound with date math. Both bounds of the results APIs ({@code gte start}, {@code lt end}) round down,
     * as Elasticsearch rounds them.
     *
     * @throws EsException a {@code parse_exception} worded as Elasticsearch words it
     */
    public static long parseBound(String text, long nowMillis) {
        Long anchor;
        String math;
        if (text.startsWith("now")) {
            anchor = nowMillis;
            math = text.substring(3);
        } else {
            int separator = text.indexOf("||");
            String date = separator < 0 ? text : text.substring(0, separator);
            math = separator < 0 ? "" : text.substring(separator + 2);
            if (date.isEmpty()) {
                // JavaDateMathParser.parseDateTime checks for an empty date before any format is tried.
                throw EsException.of(400, "parse_exception", "cannot parse empty datetime");
            }
            anchor = parseDate(date);
        }
        if (anchor == null) {
            throw unparseable(text);
        }
        try {
            return applyMath(anchor, math);
        } catch (IllegalArgumentException e) {
            throw unparseable(text);
        }
    }

    /** Formats epoch milliseconds as Elasticsearch prints {@code timestamp_string} with {@code human=true}. */
    public static String print(long epochMillis) {
        return PRINTER.format(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
    }

    /**
     * {@code JavaDateMathParser.parseDateTime}: a parse exception wrapping the formatter's illegal argument, whose
     * message it repeats.
     */
    private static EsException unparseable(String text) {
        String message = "failed to parse date field [" + text + "] with format [" + DEFAULT_FORMAT + "]";
        return EsException.of(400, "parse_exception", message + ": [" + message + "]", EsException.illegalArgument(message));
    }

    private static long isoToMillis(Matcher m) {
        int year = Integer.parseInt(m.group(1));
        int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        int nanos = 0;
        if (m.group(7) != null) {
            String fraction = (m.group(7) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(fraction);
        }
        LocalDateTime local = LocalDateTime.of(LocalDate.of(year, month, day),
                java.time.LocalTime.of(hour, minute, second, nanos));
        ZoneOffset offset = ZoneOffset.UTC;
        String zone = m.group(8);
        if (zone != null && !zone.equals("Z")) {
            String digits = zone.substring(1).replace(":", "");
            int hours = Integer.parseInt(digits.substring(0, 2));
            int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
            int sign = zone.charAt(0) == '-' ? -1 : 1;
            offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        }
        return local.toInstant(offset).toEpochMilli();
    }

    private static long applyMath(long anchor, String math) {
        ZonedDateTime time = Instant.ofEpochMilli(anchor).atZone(ZoneOffset.UTC);
        int i = 0;
        while (i < math.length()) {
            char op = math.charAt(i++);
            if (op == '/') {
                if (i >= math.length()) {
                    throw new IllegalArgumentException("rounding without a unit");
                }
                time = roundDown(time, math.charAt(i++));
            } else if (op == '+' || op == '-') {
                int start = i;
                while (i < math.length() && Character.isDigit(math.charAt(i))) {
                    i++;
                }
                long amount = start == i ? 1 : Long.parseLong(math.substring(start, i));
                if (i >= math.length()) {
                    throw new IllegalArgumentException("operation without a unit");
                }
                time = add(time, op == '+' ? amount : -amount, math.charAt(i++));
            } else {
                throw new IllegalArgumentException("unexpected character in date math");
            }
        }
        return time.toInstant().toEpochMilli();
    }

    private static ZonedDateTime add(ZonedDateTime time, long amount, char unit) {
        return switch (unit) {
            case 'y' -> time.plusYears(amount);
            case 'M' -> time.plusMonths(amount);
            case 'w' -> time.plusWeeks(amount);
            case 'd' -> time.plusDays(amount);
            case 'h', 'H' -> time.plusHours(amount);
            case 'm' -> time.plusMinutes(amount);
            case 's' -> time.plusSeconds(amount);
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }

    private static ZonedDateTime roundDown(ZonedDateTime time, char unit) {
        return switch (unit) {
            case 'y' -> time.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            case 'M' -> time.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            case 'w' -> time.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case 'd' -> time.truncatedTo(ChronoUnit.DAYS);
            case 'h', 'H' -> time.truncatedTo(ChronoUnit.HOURS);
            case 'm' -> time.truncatedTo(ChronoUnit.MINUTES);
            case 's' -> time.truncatedTo(ChronoUnit.SECONDS);
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
