package fr.liaison.gateway.cluster;

import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

import fr.liaison.gateway.config.ClusterProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The locks of the scheduled jobs that must run once per period across the instances of a node:
 * ShedLock's JDBC provider, one row per job in the table {@code shedlock} of the node's database,
 * timed by the database's clock so that the instances' clocks do not matter.
 */
@Configuration(proxyBeanMethods = false)
class ScheduledJobLocks {

    @Bean
    LockProvider lockProvider(DataSource dataSource, ClusterProperties cluster) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .withLockedByValue(cluster.instanceName())
                .build());
    }

    @Bean
    OncePerPeriod oncePerPeriod(LockProvider locks, ClusterProperties cluster) {
        return new OncePerPeriod(new DefaultLockingTaskExecutor(locks), cluster.enabled());
    }
}
