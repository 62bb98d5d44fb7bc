package dev.lintas.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.lintas.gateway.config.RouteConfig;
import dev.lintas.gateway.route.Route;
import dev.lintas.gateway.route.RoutingTable;

/**
 * The cost of finding a route in a table of 20, for a request that matches the last route (the worst case of a
 * first-match table) and one that matches none.
 * <pre>
 * java -jar lintas-jmh/target/benchmarks.jar RouteMatch
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {

    private RoutingTable table;

    @Setup
    public void setUp() {
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            routes.add(new RouteConfig("service" + i + ".example.com", "/api/v" + i, "u"));
        }
        routes.add(new RouteConfig("*.example.com", "/", "u"));
        table = new RoutingTable(routes, Map.of());
    }

    @Benchmark
    public Route lastRouteMatches() {
        return table.match("www.example.com", "/index.html");
    }

    @Benchmark
    public Route noRouteMatches() {
        return table.match("other.org", "/index.html");
    }
}
